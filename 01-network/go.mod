module gatewaylab/01-network

go 1.26
