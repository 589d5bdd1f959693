package replay

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	kiln "github.com/kiln-wasm/kiln/go"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/lists"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/resources"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/scalars"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/traps"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/variants"
)

// noState is embedded by hosts without state or resources.
type noState struct{}

func (noState) State(string) (any, bool) { return nil, false }
func (noState) DropRep(uint32) error     { return errors.New("this world has no host resources") }

// scalarsHost implements the world `scalars` (wit-tools/tests/README.md).
type scalarsHost struct {
	noState
	value uint64
}

func (h *scalarsHost) SetHostValue(x uint64) error             { h.value = x; return nil }
func (h *scalarsHost) GetHostValue() (uint64, error)           { return h.value, nil }
func (h *scalarsHost) ScalarHostEchoBool(x bool) (bool, error) { return x, nil }
func (h *scalarsHost) ScalarHostEchoU8(x uint8) (uint8, error) { return x, nil }
func (h *scalarsHost) ScalarHostEchoU16(x uint16) (uint16, error) {
	return x, nil
}
func (h *scalarsHost) ScalarHostEchoU32(x uint32) (uint32, error) { return x, nil }
func (h *scalarsHost) ScalarHostEchoU64(x uint64) (uint64, error) { return x, nil }
func (h *scalarsHost) ScalarHostEchoS8(x int8) (int8, error)      { return x, nil }
func (h *scalarsHost) ScalarHostEchoS16(x int16) (int16, error)   { return x, nil }
func (h *scalarsHost) ScalarHostEchoS32(x int32) (int32, error)   { return x, nil }
func (h *scalarsHost) ScalarHostEchoS64(x int64) (int64, error)   { return x, nil }
func (h *scalarsHost) ScalarHostEchoF32(x float32) (float32, error) {
	return x, nil
}
func (h *scalarsHost) ScalarHostEchoF64(x float64) (float64, error) { return x, nil }
func (h *scalarsHost) ScalarHostEchoChar(x rune) (rune, error)      { return x, nil }
func (h *scalarsHost) HostInfoGreet(who string) (string, error)     { return "hello, " + who, nil }
func (h *scalarsHost) ScalarHostManyParams(a uint8, b int8, c uint16, d int16, e uint32, f int32, g uint64, hh int64, i float32, j float64, k rune, l bool, m uint8, n uint16, o uint32, p uint64, q float32, r float64) (scalars.Tuple18[float64, float32, uint64, uint32, uint16, uint8, bool, rune, float64, float32, int64, uint64, int32, uint32, int16, uint16, int8, uint8], error) {
	return scalars.Tuple18[float64, float32, uint64, uint32, uint16, uint8, bool, rune, float64, float32, int64, uint64, int32, uint32, int16, uint16, int8, uint8]{
		F0: r, F1: q, F2: p, F3: o, F4: n, F5: m, F6: l, F7: k, F8: j, F9: i,
		F10: hh, F11: g, F12: f, F13: e, F14: d, F15: c, F16: b, F17: a,
	}, nil
}

// listsHost implements the world `lists`.
type listsHost struct{ noState }

func (listsHost) ListHostReverseString(s string) (string, error) {
	r := []rune(s)
	slices.Reverse(r)
	return string(r), nil
}
func (listsHost) ListHostEchoBytes(b []byte) ([]byte, error) { return b, nil }
func (listsHost) ListHostSplitWords(s string) ([]string, error) {
	out := []string{}
	for _, w := range strings.Split(s, " ") {
		if w != "" {
			out = append(out, w)
		}
	}
	return out, nil
}
func (listsHost) ListHostSortScores(s []lists.Score) ([]lists.Score, error) {
	out := slices.Clone(s)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Value > out[j].Value })
	return out, nil
}
func (listsHost) ListHostEchoNested(x [][]uint32) ([][]uint32, error) { return x, nil }
func (listsHost) ListHostMakeLine(a lists.Point, b lists.Point, label string) (lists.Line, error) {
	return lists.Line{Start: a, End: b, Label: label}, nil
}
func (listsHost) ListHostRotateTriple(t lists.Tuple3[uint8, string, float64]) (lists.Tuple3[float64, uint8, string], error) {
	return lists.Tuple3[float64, uint8, string]{F0: t.F2, F1: t.F0, F2: t.F1}, nil
}

// ListsHost returns the corpus's host of the world `lists`, for programs
// outside the replay (bench/go/components).
func ListsHost() lists.Imports { return listsHost{} }

// variantsHost implements the world `variants`.
type variantsHost struct{ noState }

func (variantsHost) VariantHostEchoShape(s variants.Shape) (variants.Shape, error) { return s, nil }
func (variantsHost) VariantHostEchoNumber(n variants.Number) (variants.Number, error) {
	return n, nil
}
func (variantsHost) VariantHostTurnRight(d variants.Direction) (variants.Direction, error) {
	return (d + 1) % 4, nil
}
func (variantsHost) VariantHostEchoWide(w variants.Wide) (variants.Wide, error) { return w, nil }
func (variantsHost) VariantHostInvertFull(f variants.Full) (variants.Full, error) {
	return ^f, nil
}
func (variantsHost) VariantHostEchoNestedOption(x variants.Option[variants.Option[uint8]]) (variants.Option[variants.Option[uint8]], error) {
	return x, nil
}
func (variantsHost) VariantHostSafeDiv(a int32, b int32) (int32, error) {
	switch {
	case b == 0:
		return 0, &variants.ResultError[variants.MathError]{Value: variants.MathErrorDivideByZero}
	case a == math.MinInt32 && b == -1:
		return 0, &variants.ResultError[variants.MathError]{Value: variants.MathErrorOverflow}
	}
	return a / b, nil
}
func (variantsHost) VariantHostEchoNestedResult(r variants.Result[variants.Option[string], variants.Result[uint8, string]]) (variants.Option[string], error) {
	if r.IsErr {
		return variants.Option[string]{}, &variants.ResultError[variants.Result[uint8, string]]{Value: r.Err}
	}
	return r.Ok, nil
}
func (variantsHost) VariantHostCheckPositive(x int32) error {
	if x > 0 {
		return nil
	}
	return &variants.ResultError[struct{}]{}
}

// resourcesHost implements the world `resources`: blobs by rep.
type resourcesHost struct {
	blobs map[uint32][]byte
	next  uint32
}

func (h *resourcesHost) State(string) (any, bool) { return nil, false }
func (h *resourcesHost) DropRep(rep uint32) error { return h.BlobsBlobDrop(rep) }
func (h *resourcesHost) BlobsBlobDrop(rep uint32) error {
	if _, ok := h.blobs[rep]; !ok {
		return fmt.Errorf("no blob %d", rep)
	}
	delete(h.blobs, rep)
	return nil
}
func (h *resourcesHost) blob(b resources.Blob) ([]byte, error) {
	data, ok := h.blobs[b.Rep]
	if !ok {
		return nil, fmt.Errorf("no blob %d", b.Rep)
	}
	return data, nil
}
func (h *resourcesHost) BlobsNewBlob(init []byte) (resources.Blob, error) {
	h.next++
	h.blobs[h.next] = slices.Clone(init)
	return resources.Blob{Rep: h.next}, nil
}
func (h *resourcesHost) BlobsBlobBytes(self resources.Blob) ([]byte, error) {
	data, err := h.blob(self)
	return slices.Clone(data), err
}
func (h *resourcesHost) BlobsBlobAppend(self resources.Blob, more []byte) error {
	data, err := h.blob(self)
	if err == nil {
		h.blobs[self.Rep] = append(data, more...)
	}
	return err
}
func (h *resourcesHost) BlobsBlobSize(self resources.Blob) (uint32, error) {
	data, err := h.blob(self)
	return uint32(len(data)), err
}
func (h *resourcesHost) BlobsBlobConcat(a resources.Blob, b resources.Blob) (resources.Blob, error) {
	x, err := h.blob(a)
	if err != nil {
		return resources.Blob{}, err
	}
	y, err := h.blob(b)
	if err != nil {
		return resources.Blob{}, err
	}
	return h.BlobsNewBlob(append(slices.Clone(x), y...))
}
func (h *resourcesHost) BlobsLiveBlobs() (uint32, error) { return uint32(len(h.blobs)), nil }

// trapsHost implements the world `traps`.
var _ traps.Imports = (*trapsHost)(nil)

type trapsHost struct {
	notes []uint32
}

func (h *trapsHost) State(name string) (any, bool) {
	if name == "notes" {
		return slices.Clone(h.notes), true
	}
	return nil, false
}
func (h *trapsHost) DropRep(uint32) error        { return errors.New("no host resources") }
func (h *trapsHost) TrapHostNote(x uint32) error { h.notes = append(h.notes, x); return nil }
func (h *trapsHost) TrapHostFail(msg string) error {
	return &HostFailure{Message: msg}
}

// Worlds are the corpus's worlds, each with a fresh host per test.
var Worlds = map[string]World{
	"scalars": {Name: "scalars", Start: func(s *kiln.Store, l *kiln.ComponentLinker, c *kiln.Component) (*dispatch, Host, error) {
		h := &scalarsHost{}
		d, err := scalarsDispatch(s, l, c, h)
		return d, h, err
	}},
	"lists": {Name: "lists", Start: func(s *kiln.Store, l *kiln.ComponentLinker, c *kiln.Component) (*dispatch, Host, error) {
		h := listsHost{}
		d, err := listsDispatch(s, l, c, h)
		return d, h, err
	}},
	"variants": {Name: "variants", Start: func(s *kiln.Store, l *kiln.ComponentLinker, c *kiln.Component) (*dispatch, Host, error) {
		h := variantsHost{}
		d, err := variantsDispatch(s, l, c, h)
		return d, h, err
	}},
	"resources": {Name: "resources", Start: func(s *kiln.Store, l *kiln.ComponentLinker, c *kiln.Component) (*dispatch, Host, error) {
		h := &resourcesHost{blobs: map[uint32][]byte{}}
		d, err := resourcesDispatch(s, l, c, h)
		return d, h, err
	}},
	"traps": {Name: "traps", Start: func(s *kiln.Store, l *kiln.ComponentLinker, c *kiln.Component) (*dispatch, Host, error) {
		h := &trapsHost{}
		d, err := trapsDispatch(s, l, c, h)
		return d, h, err
	}},
}
