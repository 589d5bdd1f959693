package kiln

import (
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"
)

// The store table lets a host function find its Go store from the data C
// hands it (kiln_store_set_data), without a cgo call or a map lookup on
// the host-call path. Entries are weak, so the table keeps no store alive;
// ids are reused, and each use of an id has a new generation, which the
// data carries, so stale data never reaches another store.

const (
	tableChunkBits = 10
	tableChunk     = 1 << tableChunkBits
	tableChunks    = 1 << 14 // up to 16M stores alive at once
)

type storeSlot struct {
	store weak.Pointer[Store]
	gen   uint16
}

var storeTable struct {
	mu     sync.Mutex
	chunks [tableChunks]atomic.Pointer[[tableChunk]atomic.Pointer[storeSlot]]
	next   uint32
	free   []uint32
	gens   []uint16
}

// registerStore gives s an id and generation in the table.
func registerStore(s *Store) {
	t := &storeTable
	t.mu.Lock()
	defer t.mu.Unlock()
	var id uint32
	if n := len(t.free); n > 0 {
		id, t.free = t.free[n-1], t.free[:n-1]
	} else {
		id = t.next
		if id >= tableChunk*tableChunks {
			panic("kiln: more than 16M stores alive at once")
		}
		t.next++
		t.gens = append(t.gens, 0)
		if t.chunks[id>>tableChunkBits].Load() == nil {
			t.chunks[id>>tableChunkBits].Store(new([tableChunk]atomic.Pointer[storeSlot]))
		}
	}
	t.gens[id]++
	s.id, s.gen = id, t.gens[id]
	t.chunks[id>>tableChunkBits].Load()[id&(tableChunk-1)].Store(&storeSlot{store: weak.Make(s), gen: s.gen})
}

// unregisterStore frees s's id.
func unregisterStore(s *Store) {
	t := &storeTable
	t.mu.Lock()
	defer t.mu.Unlock()
	slot := &t.chunks[s.id>>tableChunkBits].Load()[s.id&(tableChunk-1)]
	if e := slot.Load(); e != nil && e.gen == s.gen {
		slot.Store(nil)
		t.free = append(t.free, s.id)
	}
}

// storeData is what C hands host functions as their store_data: the
// store's id and generation, set by NewStore (kiln_store_set_data).
func storeData(s *Store) uintptr {
	return uintptr(s.gen)<<32 | uintptr(s.id)
}

// storeOfData returns the store a host function's store_data names; nil
// if that store is gone.
func storeOfData(data unsafe.Pointer) *Store {
	// SAFETY: data is an integer C carried (storeData), not a pointer.
	key := uintptr(data)
	id, gen := uint32(key), uint16(key>>32)
	chunk := storeTable.chunks[id>>tableChunkBits].Load()
	if chunk == nil {
		return nil
	}
	e := chunk[id&(tableChunk-1)].Load()
	if e == nil || e.gen != gen {
		return nil
	}
	return e.store.Value()
}
