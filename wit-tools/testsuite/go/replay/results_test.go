package replay

import (
	"errors"
	"strings"
	"testing"

	kiln "github.com/kiln-wasm/kiln/go"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/variants"
)

// divHost answers the import safe-div with err when it is set, and
// otherwise as the corpus's host does.
type divHost struct {
	variantsHost
	err error
}

func (h divHost) VariantHostSafeDiv(a int32, b int32) (int32, error) {
	if h.err != nil {
		return 0, h.err
	}
	return h.variantsHost.VariantHostSafeDiv(a, b)
}

func instantiateVariants(t *testing.T, host variants.Imports) *variants.Variants {
	t.Helper()
	w := instantiate(t, "variants", func(l *kiln.ComponentLinker) error { return variants.AddToLinker(l, host) }, variants.Instantiate)
	t.Cleanup(w.Close)
	return w
}

// An export returning result<T, E> returns (T, nil) for ok and the err
// case as a *ResultError[E] with the guest's exact value; result<_, E>
// returns only the error.
func TestExportResultReturnsErrCaseAsResultError(t *testing.T) {
	api := instantiateVariants(t, variantsHost{}).VariantApi()

	if q, err := api.SafeDiv(7, -2); err != nil || q != -3 {
		t.Fatalf("SafeDiv(7, -2) = %d, %v; want -3, nil", q, err)
	}
	q, err := api.SafeDiv(1, 0)
	var mathErr *variants.ResultError[variants.MathError]
	if !errors.As(err, &mathErr) || mathErr.Value != variants.MathErrorDivideByZero {
		t.Fatalf("SafeDiv(1, 0) = %d, %v; want a *ResultError[MathError] of divide-by-zero", q, err)
	}
	if q != 0 || err.Error() != "divide-by-zero" {
		t.Fatalf("SafeDiv(1, 0) = %d, %q; want 0 and the enum's WIT name", q, err.Error())
	}
	var trap *kiln.Trap
	if errors.As(err, &trap) {
		t.Fatalf("the guest's err is also a trap: %v", trap)
	}
	if _, err := api.SafeDiv(-2147483648, -1); !errors.As(err, &mathErr) || mathErr.Value != variants.MathErrorOverflow {
		t.Fatalf("SafeDiv(MinInt32, -1): %v; want overflow", err)
	}

	// The guest's err did not fail the call: the instance goes on.
	if n, err := api.ParseU32("42"); err != nil || n != 42 {
		t.Fatalf("ParseU32(42) = %d, %v; want 42, nil", n, err)
	}
	err = api.ValidateName("abC")
	var strErr *variants.ResultError[string]
	if !errors.As(err, &strErr) || strErr.Value != "invalid char at 2" || err.Error() != "invalid char at 2" {
		t.Fatalf("ValidateName(abC) = %v; want a *ResultError[string] of %q", err, "invalid char at 2")
	}
	if err := api.ValidateName("abc"); err != nil {
		t.Fatalf("ValidateName(abc) = %v; want nil", err)
	}
	err = api.CheckPositive(-1)
	var noErr *variants.ResultError[struct{}]
	if !errors.As(err, &noErr) || err.Error() != "error" {
		t.Fatalf("CheckPositive(-1) = %v; want a *ResultError[struct{}] reading %q", err, "error")
	}
	if err := api.CheckPositive(1); err != nil {
		t.Fatalf("CheckPositive(1) = %v; want nil", err)
	}

	// A result nested in the err case stays a Result.
	in := variants.Err[variants.Option[string]](variants.Ok[uint8, string](9))
	got, err := api.EchoNestedResult(in)
	var nested *variants.ResultError[variants.Result[uint8, string]]
	if !errors.As(err, &nested) || nested.Value != variants.Ok[uint8, string](9) || got.Some {
		t.Fatalf("EchoNestedResult(err(ok(9))) = %v, %v; want none and err(ok(9))", got, err)
	}
}

// A trap in an export returning a result is the kiln package's trap, and
// not a *ResultError.
func TestExportResultTrapIsNotResultError(t *testing.T) {
	config := kiln.NewConfig()
	config.SetConsumeFuel(true)
	engine := kiln.NewEngineWithConfig(config)
	t.Cleanup(engine.Close)
	component, store, linker := loadWorld(t, engine, "variants")
	if err := variants.AddToLinker(linker, variantsHost{}); err != nil {
		t.Fatal(err)
	}
	// Instantiation runs the guest's initialisation, which needs fuel.
	if err := store.SetFuel(1_000_000); err != nil {
		t.Fatal(err)
	}
	w, err := variants.Instantiate(store, linker, component)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	if err := store.SetFuel(0); err != nil {
		t.Fatal(err)
	}

	_, err = w.VariantApi().SafeDiv(1, 0)
	var trap *kiln.Trap
	if !errors.As(err, &trap) || trap.Code() == nil || *trap.Code() != kiln.OutOfFuel {
		t.Fatalf("SafeDiv without fuel: %v; want an out-of-fuel trap", err)
	}
	var re *variants.ResultError[variants.MathError]
	if errors.As(err, &re) {
		t.Fatalf("a trap is a *ResultError: %v", re)
	}
}

// An import returning result<T, E>: the host's *ResultError[E] gives the
// guest err with its value; any other error, a *ResultError of another
// type included, traps the guest, and the export returns it as itself.
func TestImportResultErrorGivesGuestErr(t *testing.T) {
	w := instantiateVariants(t, divHost{})
	if q, err := w.HostSafeDiv(9, 4); err != nil || q != 2 {
		t.Fatalf("HostSafeDiv(9, 4) = %d, %v; want 2, nil", q, err)
	}
	var mathErr *variants.ResultError[variants.MathError]
	if _, err := w.HostSafeDiv(1, 0); !errors.As(err, &mathErr) || mathErr.Value != variants.MathErrorDivideByZero {
		t.Fatalf("HostSafeDiv(1, 0): %v; want the host's err divide-by-zero back", err)
	}
	var noErr *variants.ResultError[struct{}]
	if err := w.HostCheckPositive(-5); !errors.As(err, &noErr) {
		t.Fatalf("HostCheckPositive(-5): %v; want a *ResultError[struct{}]", err)
	}
	if err := w.HostCheckPositive(5); err != nil {
		t.Fatalf("HostCheckPositive(5) = %v; want nil", err)
	}

	for _, hostErr := range []error{errors.New("the host failed"), &variants.ResultError[string]{Value: "not a math-error"}} {
		w := instantiateVariants(t, divHost{err: hostErr})
		_, err := w.HostSafeDiv(1, 2)
		if !errors.Is(err, hostErr) {
			t.Fatalf("HostSafeDiv with the host failing (%v): %v; want the host's error", hostErr, err)
		}
		if errors.As(err, &mathErr) {
			t.Fatalf("a host's failure came back as the guest's err: %v", mathErr)
		}
		// A trap, unlike err, leaves the instance unusable.
		if _, err := w.HostSafeDiv(1, 2); err == nil || !strings.Contains(err.Error(), "cannot enter") {
			t.Fatalf("a call after the host's failure: %v", err)
		}
	}
}
