module gatewaylab/09-final-gateway

go 1.26

require (
	github.com/prometheus/client_golang v1.23.2 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
