package caddyconf

// Route is a set of matchers and a handler chain, as Caddy's
// caddyhttp.Route.
type Route struct {
	// Group makes routes exclusive: of the routes sharing a group name in
	// one list, only the first that matches runs.
	Group string `json:"group,omitempty"`
	// Match is a list of matcher sets, ORed; the matchers inside one set
	// are ANDed. An empty list matches every request.
	Match []MatcherSet `json:"match,omitempty"`
	// Handle is the handler chain, run in order.
	Handle []HandlerModule `json:"handle,omitempty"`
	// Terminal stops the route list after this route runs.
	Terminal bool `json:"terminal,omitempty"`
}
