package target

import (
	"fmt"
	"sort"
	"strings"
)

// Profile is one target: the auth tables a migration writes and the
// application that reads them. Each target is defined once, as data, in a
// file of its own (guide.go, dhafnck.go); docs/targets.md says what a new
// one must define.
type Profile struct {
	// Name is what --target and the config key target accept.
	Name string
	// Summary says in one line what the target is, for help and doctor.
	Summary string
	// JWT are the tokens the target's application issues and accepts:
	// jwt issue and jwt verify follow them.
	JWT JWT
}

// DefaultName is the target when none is configured: the guide's schema.
const DefaultName = "guide"

var profiles = map[string]*Profile{}

// register adds a target definition; each target's file calls it once.
func register(p *Profile) *Profile {
	if _, dup := profiles[p.Name]; dup {
		panic("target: " + p.Name + " defined twice")
	}
	profiles[p.Name] = p
	return p
}

// Lookup returns the target of that name, or an error listing the known ones.
func Lookup(name string) (*Profile, error) {
	if p, ok := profiles[name]; ok {
		return p, nil
	}
	return nil, fmt.Errorf("unknown target %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the known targets, the default first.
func Names() []string {
	names := []string{DefaultName}
	for n := range profiles {
		if n != DefaultName {
			names = append(names, n)
		}
	}
	sort.Strings(names[1:])
	return names
}
