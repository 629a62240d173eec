package http1

// noCopy, embedded in a struct, makes go vet's copylocks check report
// copies of it: the parsers and the body decoder hold inline slot arrays
// and state that a copy would silently fork.
type noCopy struct{}

// Lock is a no-op; it only marks noCopy for go vet.
func (*noCopy) Lock() {}

// Unlock is a no-op; it only marks noCopy for go vet.
func (*noCopy) Unlock() {}
