module gatewaylab/05-loadbalance

go 1.26

require gatewaylab/04-proxy v0.0.0

replace gatewaylab/04-proxy => ../04-proxy
