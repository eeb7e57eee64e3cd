module gatewaylab/02-tcp-udp-http

go 1.26
