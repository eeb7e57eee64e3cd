module gatewaylab/03-unpack

go 1.26
