module gatewaylab/04-proxy

go 1.26
