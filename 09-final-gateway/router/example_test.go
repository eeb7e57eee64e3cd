package router_test

import (
	"fmt"

	"gatewaylab/09-final-gateway/router"
)

func ExampleTable_Match() {
	table, err := router.NewTable([]router.Route[string]{
		{Name: "site", PathPrefix: "/", Value: "static site"},
		{Name: "api", PathPrefix: "/api", Value: "api service"},
		{Name: "login", Path: "/api/login", Methods: []string{"POST"}, Value: "auth service"},
	})
	if err != nil {
		panic(err)
	}
	for _, req := range []struct{ method, rawPath string }{
		{"GET", "/api/users"},
		{"POST", "/api/login"},
		{"GET", "/apiary"},
		{"GET", "/static/../api/%75sers"},
	} {
		path, err := router.CanonicalPath(req.rawPath)
		if err != nil {
			fmt.Println(err)
			continue
		}
		route, _ := table.Match("example.com", path, req.method, nil)
		fmt.Printf("%s %s -> %s (%s)\n", req.method, req.rawPath, route.Name, route.Value)
	}
	// Output:
	// GET /api/users -> api (api service)
	// POST /api/login -> login (auth service)
	// GET /apiary -> site (static site)
	// GET /static/../api/%75sers -> api (api service)
}
