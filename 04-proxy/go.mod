module gatewaylab/04-proxy

go 1.26

require gatewaylab/02-tcp-udp-http v0.0.0

replace gatewaylab/02-tcp-udp-http => ../02-tcp-udp-http
