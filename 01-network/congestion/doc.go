// Package congestion simulates TCP congestion control (拥塞控制) one round
// trip at a time: slow start (慢开始), congestion avoidance (拥塞避免), fast
// retransmit (快重传) and fast recovery (快恢复), as TCP Tahoe and TCP Reno
// do them (RFC 5681).
//
// Flow control protects the receiver; congestion control protects the
// network. The sender keeps a congestion window, cwnd, and sends at most
// cwnd segments per round trip. Below the slow-start threshold, ssthresh,
// cwnd doubles every round trip; at or above it, cwnd grows by one segment.
// A loss halves ssthresh. What happens to cwnd depends on how the loss was
// detected and on the algorithm:
//
//   - a retransmission timeout: both go back to cwnd = 1 and slow start;
//   - three duplicate ACKs: Tahoe also goes back to 1 ("from 24 straight
//     down to 1"), while Reno retransmits at once and continues from the
//     halved window (fast recovery), because duplicate ACKs prove that later
//     segments are still getting through.
//
// The simulation counts in whole segments (MSS) and one step per round trip,
// the granularity textbooks draw; real stacks grow cwnd per ACK and today
// mostly run CUBIC or BBR, which reuse these building blocks.
package congestion
