// Command diary keeps a Jekyll diary in git on several laptops.
package main

import "os"

func main() {
	os.Exit(Main(os.Args[1:], OS()))
}
