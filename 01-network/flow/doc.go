// Package flow shows TCP flow control (流量控制) at work: the receiver's
// advertised window (the sliding window, 滑动窗口) tells the sender how much
// more it may send. When the receiving application stops reading, its
// kernel buffer fills, the window it advertises drops to zero, the sender's
// kernel buffer fills behind it, and the sender's Write blocks. Nothing is
// lost: when the receiver reads again the window reopens and every byte is
// delivered, in order.
//
// A [Sender] writes a deterministic byte stream and keeps a SHA-256 of
// exactly what the kernel accepted; [Receive] hashes what arrives, so the
// two digests prove the stream arrived intact.
package flow
