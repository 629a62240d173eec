package caddyfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// buildSubroute sorts the "route" config values of one block by directive
// order (order nil keeps them as written), groups mutually exclusive
// directives, and returns the routes with adjacent equivalent ones merged.
func buildSubroute(vals []ConfigValue, groups *int, order []string) ([]Route, error) {
	if order != nil {
		for _, v := range vals {
			if !slices.Contains(order, v.directive) {
				return nil, fmt.Errorf("directive '%s' is not an ordered HTTP handler, so it cannot be used here - try placing within a route block or using the order global option", v.directive)
			}
		}
		sortRoutes(vals, order)
	}

	// Only the first matching route of these directives runs. rewrite is
	// always in its own group so it is never merged into adjacent routes.
	exclusive := []string{"handle", "rewrite", "root"} // sorted: group numbers are deterministic
	groupOf := map[string]string{}
	for _, dir := range exclusive {
		count := 0
		for _, v := range vals {
			if v.directive == dir {
				count++
			}
		}
		if count > 1 || dir == "rewrite" {
			groupOf[dir] = nextGroup(groups)
		}
	}

	var routes []Route
	for _, v := range vals {
		switch r := v.Value.(type) {
		case Route:
			if slices.Contains(exclusive, v.directive) {
				r.Group = groupOf[v.directive]
			}
			routes = append(routes, r)
		case []Route:
			routes = append(routes, r...)
		}
	}
	return consolidateRoutes(routes), nil
}

// sortRoutes sorts route values by directive order; within one directive,
// routes with a single path matcher go first, longest path first (vars and
// log_level the other way round), then routes with any matcher, then the
// rest, keeping the written order otherwise.
func sortRoutes(vals []ConfigValue, order []string) {
	// Only the directives present are looked up (a map of the whole
	// order per site block was most of the adapter's allocations).
	pos := make(map[string]int, len(vals))
	for _, v := range vals {
		if _, ok := pos[v.directive]; !ok {
			pos[v.directive] = lastIndex(order, v.directive)
		}
	}
	sort.SliceStable(vals, func(i, j int) bool {
		iDir, jDir := vals[i].directive, vals[j].directive
		if iDir != jDir {
			return pos[iDir] < pos[jDir]
		}
		if iDir == "vars" || iDir == "log_level" {
			i, j = j, i
		}
		iRoute, ok := vals[i].Value.(Route)
		if !ok {
			return false
		}
		jRoute, ok := vals[j].Value.(Route)
		if !ok {
			return false
		}
		iPath, jPath := singlePath(iRoute), singlePath(jRoute)
		if iPath != "" && jPath != "" {
			iTrim, jTrim := strings.TrimSuffix(iPath, "*"), strings.TrimSuffix(jPath, "*")
			if iTrim == jTrim {
				return len(iPath) < len(jPath)
			}
			if len(iTrim) == len(jTrim) {
				return iTrim < jTrim
			}
			return len(iTrim) > len(jTrim)
		}
		return len(iRoute.MatcherSets) > 0 && len(jRoute.MatcherSets) == 0
	})
}

// lastIndex returns the position of the last dir in order, 0 when absent.
func lastIndex(order []string, dir string) int {
	for i := len(order) - 1; i >= 0; i-- {
		if order[i] == dir {
			return i
		}
	}
	return 0
}

// singlePath returns the path of a route matched by exactly one matcher
// set holding exactly one path, else "".
func singlePath(r Route) string {
	if len(r.MatcherSets) != 1 {
		return ""
	}
	paths := stringList(r.MatcherSets[0]["path"])
	if len(paths) != 1 {
		return ""
	}
	return paths[0]
}

// consolidateRoutes merges adjacent routes with the same matchers,
// terminal flag and group into one, keeping handler order.
func consolidateRoutes(routes []Route) []Route {
	for i := 0; i < len(routes)-1; i++ {
		a, b := routes[i], routes[i+1]
		if jsonEqual(a.MatcherSets, b.MatcherSets) && a.Terminal == b.Terminal && a.Group == b.Group {
			routes[i].Handle = append(slices.Clone(a.Handle), b.Handle...)
			routes = slices.Delete(routes, i+1, i+2)
			i--
		}
	}
	return routes
}
