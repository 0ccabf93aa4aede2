package sts

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stsgo/sts/internal/signer"
)

func TestMergeParams(t *testing.T) {
	p := func(kv ...string) []signer.Param {
		var out []signer.Param
		for i := 0; i < len(kv); i += 2 {
			out = append(out, signer.Param{Name: kv[i], Value: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name    string
		a, b, c []signer.Param
		want    []signer.Param
	}{
		{"all empty", nil, nil, nil, nil},
		{"one list", nil, p("A", "1", "B", "2"), nil, p("A", "1", "B", "2")},
		{"interleaved", p("A", "a", "D", "d"), p("B", "b"), p("C", "c", "E", "e"), p("A", "a", "B", "b", "C", "c", "D", "d", "E", "e")},
		{"later wins", p("K", "global", "Z", "z"), p("K", "extends"), p("K", "call", "A", "x")[0:1], p("K", "call", "Z", "z")},
		{"later wins over a gap", p("K", "global"), nil, p("K", "call"), p("K", "call")},
		{"first wins only alone", p("A", "1", "K", "global"), p("B", "2"), nil, p("A", "1", "B", "2", "K", "global")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, mergeParams(nil, tc.a, tc.b, tc.c))
			var buf [8]signer.Param
			require.Equal(t, tc.want, mergeParams(buf[:0], tc.a, tc.b, tc.c))
		})
	}
}
