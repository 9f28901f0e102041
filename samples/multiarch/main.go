// greeter prints where it was built and for which platform.
package main

import (
	"fmt"
	"os"
	"runtime"
)

// platform is set at build time with -ldflags "-X main.platform=...".
var platform = "unknown"

func main() {
	info, err := os.ReadFile("/etc/greeter/build-info.txt")
	if err != nil {
		info = []byte("no build info\n")
	}
	fmt.Printf("hello from %s/%s (built for %s): %s", runtime.GOOS, runtime.GOARCH, platform, info)
}
