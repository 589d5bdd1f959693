package kiln

import "testing"

func TestValAccessors(t *testing.T) {
	if ValI32(-1).I32() != -1 || ValI64(-2).I64() != -2 || ValF32(1.5).F32() != 1.5 || ValF64(2.5).F64() != 2.5 {
		t.Fatal("round trip")
	}
	if ValI32(3).Get() != int32(3) || ValFuncref(nil).Get() != nil || ValExternref("s").Get() != "s" {
		t.Fatal("Get")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("I64 of an i32 did not panic")
		}
	}()
	ValI32(1).I64()
}
