module gatewaylab/08-grpc-ws

go 1.26.0

require (
	gatewaylab/04-proxy v0.0.0
	gatewaylab/05-loadbalance v0.0.0
	gatewaylab/06-discovery v0.0.0
	gatewaylab/07-middleware v0.0.0
	github.com/gorilla/websocket v1.5.3
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260817212433-ac3dfec99bb1
	google.golang.org/grpc v1.85.0
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/redis/go-redis/v9 v9.22.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/net v0.61.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	golang.org/x/time v0.15.0 // indirect
)

replace (
	gatewaylab/04-proxy => ../04-proxy
	gatewaylab/05-loadbalance => ../05-loadbalance
	gatewaylab/06-discovery => ../06-discovery
	gatewaylab/07-middleware => ../07-middleware
)
