// Env: prints its arguments, some environment variables and its whole
// environment, then exits with the code its first argument gives (0
// without arguments).
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
)

func main() {
	fmt.Printf("args: %d\n", len(os.Args))
	for i, arg := range os.Args {
		if i > 0 {
			fmt.Printf("arg %d: %q\n", i, arg)
		}
	}
	for _, key := range []string{"A", "EMPTY", "EQ", "UNICODE", "MISSING"} {
		value, ok := os.LookupEnv(key)
		fmt.Printf("env %s: %q set=%v\n", key, value, ok)
	}
	environ := os.Environ()
	sort.Strings(environ)
	fmt.Printf("environ: %d\n", len(environ))
	for _, kv := range environ {
		fmt.Println(kv)
	}
	code := 0
	if len(os.Args) > 1 {
		n, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Println("bad exit code:", err)
			os.Exit(2)
		}
		code = n
	}
	os.Exit(code)
}
