package caddyconf_test

import (
	"fmt"

	"github.com/zeroserve/zeroserve/internal/caddyconf"
)

func ExampleParse() {
	_, err := caddyconf.Parse([]byte(`{"apps":{"http":{"servers":{"srv0":{
		"listen":[":80"],
		"routes":[{"handle":[{"handler":"static_response","body":"hi"},{"handler":"templates"}]}]}}}}}`))
	fmt.Println(err)
	_, err = caddyconf.Parse([]byte(`{"apps":{"http":{"servers":{"srv0":{"routes":[{"hanlde":[]}]}}}}}`))
	fmt.Println(err)
	// Output:
	// unsupported handler "templates" at apps.http.servers.srv0.routes[0].handle[1]
	// apps.http.servers.srv0.routes[0]: unknown field "hanlde"
}

func ExampleLower() {
	cfg, err := caddyconf.Parse([]byte(`{"apps":{"http":{"servers":{"srv0":{
		"listen":[":443"],
		"routes":[
			{"match":[{"host":["a.example"]}],"handle":[{"handler":"static_response","body":"a"}],"terminal":true},
			{"match":[{"host":["b.example"]}],"handle":[{"handler":"static_response","body":"b"}],"terminal":true},
			{"handle":[{"handler":"static_response","status_code":404}]}]}}}}}`))
	if err != nil {
		panic(err)
	}
	p, err := caddyconf.Lower(cfg)
	if err != nil {
		panic(err)
	}
	srv := p.Servers[0]
	fmt.Println(srv.Name, srv.Listen[0].StartPort)
	for _, host := range []string{"a.example", "B.EXAMPLE:443", "c.example"} {
		fmt.Println(host, srv.Routes.Hosts.Candidates(host))
	}
	// Output:
	// srv0 443
	// a.example [0 2]
	// B.EXAMPLE:443 [1 2]
	// c.example [2]
}
