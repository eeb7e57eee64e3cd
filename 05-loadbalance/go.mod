module gatewaylab/05-loadbalance

go 1.26
