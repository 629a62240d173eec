package caddyfile

import "testing"

func TestBasicAuth(t *testing.T) {
	const hash = "$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG"
	runDirectiveCases(t, []directiveCase{
		{
			name:    "bcrypt default",
			snippet: "basic_auth {\n\tbob " + hash + "\n}",
			route: `{"handle":[{"handler":"authentication","providers":{"http_basic":{
				"hash":{"algorithm":"bcrypt"},"hash_cache":{},"accounts":[{"username":"bob","password":"` + hash + `"}]}}}]}`,
		},
		{
			name:    "old spelling, matcher, argon2id and realm",
			snippet: "basicauth /admin/* argon2id \"Admin area\" {\n\talice $argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA\n\tcarol $argon2id$v=19$m=47104,t=1,p=1$c2FsdA$b3RoZXI\n}",
			route: `{"match":[{"path":["/admin/*"]}],"handle":[{"handler":"authentication","providers":{"http_basic":{
				"hash":{"algorithm":"argon2id"},"hash_cache":{},"realm":"Admin area","accounts":[
				{"username":"alice","password":"$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$aGFzaA"},
				{"username":"carol","password":"$argon2id$v=19$m=47104,t=1,p=1$c2FsdA$b3RoZXI"}]}}}]}`,
		},
		{name: "unknown algorithm", snippet: "basic_auth scrypt {\n\tbob x\n}", err: "unrecognized hash algorithm: scrypt"},
		{name: "missing password", snippet: "basic_auth {\n\tbob\n}", err: "username and password cannot be empty or missing"},
		{name: "extra field", snippet: "basic_auth {\n\tbob x y\n}", err: "wrong argument count"},
		{name: "too many arguments", snippet: "basic_auth bcrypt realm extra {\n\tbob x\n}", err: "wrong argument count"},
	})
}
