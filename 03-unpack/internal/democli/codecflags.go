// Package democli holds the command-line plumbing the stage's demos share.
package democli

import (
	"flag"
	"fmt"

	"gatewaylab/03-unpack/codec"
)

// CodecFlags registers -framing, -max and -record on fs. Call the returned
// function after fs.Parse to build the chosen codec.
func CodecFlags(fs *flag.FlagSet) func() (codec.Codec, error) {
	framing := fs.String("framing", "length", "framing: length (\"12345678\" + uint32 length), fixed (padded records) or delimited ('\\n')")
	maxFrame := fs.Int("max", codec.DefaultMaxFrameSize, "largest payload in bytes (length and delimited)")
	record := fs.Int("record", 64, "record size in bytes (fixed; short payloads are padded with NUL)")
	return func() (codec.Codec, error) {
		switch *framing {
		case "length":
			return codec.NewLengthPrefixed(*maxFrame), nil
		case "fixed":
			return codec.NewFixedLength(*record, 0)
		case "delimited":
			return codec.NewDelimited(codec.DefaultDelimiter, *maxFrame), nil
		default:
			return nil, fmt.Errorf("unknown -framing %q: want length, fixed or delimited", *framing)
		}
	}
}
