module gatewaylab/09-final-gateway

go 1.26
