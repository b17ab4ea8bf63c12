package mysqldb

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"

	"matomo-audit/data/source"
	"matomo-audit/internal/statedir"
)

var _ source.GrantIndex = (*Source)(nil)

// grantFile is the index's file for this server, database and table, in
// the state folder given by Options.StateDir; "" keeps none.
func (s *Source) grantFile() string {
	if s.stateDir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s.grantTable()))
	return filepath.Join(s.stateDir, "grants-"+hex.EncodeToString(sum[:12])+".json")
}

// grantTable names the table an index is of, as status' marks do: the
// source's label (account, server, database) and the table.
func (s *Source) grantTable() string { return s.Label() + "\x00" + s.Table() }

// grantState is the file: the span and the table it was read from, so a
// file of another table (a hash shared, a file copied) is not taken.
type grantState struct {
	Table  string                `json:"table"`
	From   uint64                `json:"from"`
	Upto   uint64                `json:"upto"`
	Grants []source.IndexedGrant `json:"grants"`
}

// LoadGrants implements source.GrantIndex; a missing, unreadable or
// malformed file is no index.
func (s *Source) LoadGrants() (source.GrantSpan, bool) {
	path := s.grantFile()
	if path == "" {
		return source.GrantSpan{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return source.GrantSpan{}, false
	}
	var st grantState
	if json.Unmarshal(b, &st) != nil || st.Table != s.grantTable() || st.From > st.Upto || st.From == 0 {
		return source.GrantSpan{}, false
	}
	gs := st.Grants[:0]
	for _, g := range st.Grants {
		if g.ID >= st.From && g.ID <= st.Upto {
			gs = append(gs, g)
		}
	}
	slices.SortFunc(gs, func(a, b source.IndexedGrant) int { return cmp.Compare(a.ID, b.ID) })
	gs = slices.CompactFunc(gs, func(a, b source.IndexedGrant) bool { return a.ID == b.ID })
	return source.GrantSpan{From: st.From, Upto: st.Upto, Grants: gs}, true
}

// SaveGrants implements source.GrantIndex: written whole, 0600, in a
// folder made 0700 (statedir.WriteFile).
func (s *Source) SaveGrants(g source.GrantSpan) error {
	path := s.grantFile()
	if path == "" {
		return nil
	}
	b, err := json.Marshal(grantState{Table: s.grantTable(), From: g.From, Upto: g.Upto, Grants: g.Grants})
	if err != nil {
		return err
	}
	return statedir.WriteFile(s.stateDir, filepath.Base(path), b)
}
