package sockstate_test

import (
	"fmt"
	"log"
	"strings"

	"gatewaylab/01-network/sockstate"
)

// A table as /proc/net/tcp prints it on a little-endian machine: a listener
// on 127.0.0.1:8080, a client in TIME_WAIT, a connection the server has not
// closed (CLOSE_WAIT) and the client side of that connection (FIN_WAIT2).
const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 15281 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:1F90 06 00000000:00000000 03:0000176E 00000000     0        0 0 3 0000000000000000
   2: 0100007F:1F90 0100007F:C351 08 00000000:00000000 00:00000000 00000000     0        0 15290 1 0000000000000000 20 4 1 10 -1
   3: 0100007F:C351 0100007F:1F90 05 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 20 4 1 10 -1
`

func ExampleParse() {
	entries, err := sockstate.Parse(strings.NewReader(table))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Printf("%-15s -> %-15s %s\n", e.Local, e.Remote, e.State)
	}
	fmt.Println("CLOSE_WAIT on :8080:", sockstate.Count(entries, 8080, sockstate.CloseWait))
	fmt.Println("TIME_WAIT expires in", entries[1].TimerExpires)
	// Output:
	// 127.0.0.1:8080  -> 0.0.0.0:0       LISTEN
	// 127.0.0.1:50000 -> 127.0.0.1:8080  TIME_WAIT
	// 127.0.0.1:8080  -> 127.0.0.1:50001 CLOSE_WAIT
	// 127.0.0.1:50001 -> 127.0.0.1:8080  FIN_WAIT2
	// CLOSE_WAIT on :8080: 1
	// TIME_WAIT expires in 59.98s
}
