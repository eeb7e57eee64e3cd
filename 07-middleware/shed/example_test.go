package shed_test

import (
	"fmt"

	"gatewaylab/07-middleware/shed"
)

// With 6 of 10 slots busy, a low-priority request (ceiling 5) is shed while normal and
// critical ones are still admitted.
func ExampleShedder() {
	s, err := shed.NewShedder(shed.ShedderConfig{Capacity: 10})
	if err != nil {
		panic(err)
	}
	for range 6 {
		s.TryAcquire(shed.Critical)
	}
	for _, p := range []shed.Priority{shed.Low, shed.Normal, shed.Critical} {
		fmt.Println(p, s.TryAcquire(p))
	}
	// Output:
	// low false
	// normal true
	// critical true
}
