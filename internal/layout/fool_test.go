package layout

import (
	"slices"
	"strings"
	"testing"
)

// TestUsesSeesEveryWayOfUse holds Uses to the uses that do not name the used thing
// plainly: a method value, a method expression, an embedded field and its promoted
// method, a generic function and type instantiated.
func TestUsesSeesEveryWayOfUse(t *testing.T) {
	uses, _, err := Uses("testdata/fool")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range uses {
		if u.From == "low.go" && u.To == "top.go" {
			got = append(got, u.Name)
		}
	}
	for _, want := range []string{"Top.Method", "Embedded", "Embedded.Lift", "Generic", "Box", "Box.Get", "get"} {
		if !slices.Contains(got, want) {
			t.Errorf("low.go's use of %s is not seen; seen: %v", want, got)
		}
	}
}

// TestNewFileFailsWhateverItSays holds the promise of CONTRIBUTING.md that TestLayout
// fails on a new file that has not been given its place: a hand-written file that
// carries the generated-code comment, and a file built only on another system, are
// new files of the package too, and both use names of a file above them.
func TestNewFileFailsWhateverItSays(t *testing.T) {
	uses, files, err := Uses("testdata/fool")
	if err != nil {
		t.Fatal(err)
	}
	problems := Check(uses, files, []string{"low.go", "top.go"}, nil)
	for _, want := range []string{"sneaky.go has no place in the layout", "other_windows.go has no place in the layout"} {
		if !slices.Contains(problems, want) {
			t.Errorf("%q is not reported; reported: %q", want, problems)
		}
	}
}

// TestAnUpUseSaidWhyCoversOnlyItself holds the promise that TestLayout "fails on any
// other use that runs up" than those listed with why: an exception given for one name
// (here the method value that low.go needs) must not let every other name of the
// same file run up unremarked. Today the exceptions are keyed by pair of files, so
// the use of any name of session.go from requests.go passes, whatever the reason
// given for Session.
func TestAnUpUseSaidWhyCoversOnlyItself(t *testing.T) {
	uses, files, err := Uses("testdata/fool")
	if err != nil {
		t.Fatal(err)
	}
	order := []string{"top.go", "low.go", "sneaky.go", "other_windows.go"}
	all := Check(uses, files, order, nil)
	if len(all) < 2 {
		t.Fatalf("low.go should run up to top.go by several names: %q", all)
	}
	problems := Check(uses, files, order, map[string]string{"low.go -> top.go": "Top.Method is taken as a method value"})
	var others []string
	for _, p := range problems {
		if strings.HasPrefix(p, "low.go uses ") && !strings.HasPrefix(p, "low.go uses Top.Method ") {
			others = append(others, p)
		}
	}
	if len(others) == 0 {
		t.Errorf("an exception said for Top.Method lets %d other up uses pass: %q", len(all)-1, all)
	}
}
