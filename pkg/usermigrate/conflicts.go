package usermigrate

import (
	"cmp"
	"slices"
)

// entry is what the preflight keeps of a row that may migrate: 32 bytes,
// so a million rows need 32 MB between the passes and nothing else.
type entry struct {
	email, username uint64 // keys of the canonical forms
	created         int64  // created_at (UnixNano; NULL counts as the run's start)
	ord             uint32 // position in the source, which is in id order
}

// resolveConflicts marks conflicting rows in st. Emails are resolved first,
// then usernames among the rows still standing. With skip, the earliest row
// of a group (created_at, then id) wins; with fail every row of a group is
// rejected. A row whose key an existing auth user holds is always rejected.
func resolveConflicts(entries []entry, st []status, authEmails, authUsers []uint64, policy ConflictPolicy) {
	resolve(entries, st, authEmails, policy, CodeConflictEmail, func(e entry) uint64 { return e.email })
	resolve(entries, st, authUsers, policy, CodeConflictUsername, func(e entry) uint64 { return e.username })
}

func resolve(entries []entry, st []status, auth []uint64, policy ConflictPolicy, code string, key func(entry) uint64) {
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(cmp.Compare(key(a), key(b)), cmp.Compare(a.created, b.created), cmp.Compare(a.ord, b.ord))
	})
	for i := 0; i < len(entries); {
		k := key(entries[i])
		j := i
		for j < len(entries) && key(entries[j]) == k {
			j++
		}
		group := entries[i:j]
		i = j
		if _, taken := slices.BinarySearch(auth, k); taken {
			for _, e := range group {
				if !st[e.ord].rejected() {
					st[e.ord] = reject(code, againstAuth)
				}
			}
			continue
		}
		standing := 0
		for _, e := range group {
			if !st[e.ord].rejected() {
				standing++
			}
		}
		if standing < 2 {
			continue
		}
		winner := policy == ConflictSkip
		for _, e := range group {
			if st[e.ord].rejected() {
				continue
			}
			if winner {
				winner = false
				continue
			}
			st[e.ord] = reject(code, againstLegacy)
		}
	}
}
