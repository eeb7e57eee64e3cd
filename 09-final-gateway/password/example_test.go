package password_test

import (
	"fmt"

	"gatewaylab/09-final-gateway/password"
)

// Store only the hash (`gateway hash-password` prints one); check a login against it.
func Example() {
	// password.Hash("demo-only-password") made a hash like this one (each has its own
	// salt); this one has cost 10, the floor, to keep the example quick.
	stored := "$2a$10$hRc9wfrPIldNcLEkRfF04.MozpsSpRrfnuex6H/5og13mSSXPy3Py"
	fmt.Println(password.Check(stored))
	fmt.Println(password.Matches(stored, "demo-only-password"))
	fmt.Println(password.Check("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
	// Output:
	// <nil>
	// true
	// not a bcrypt hash (crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with 's')
}
