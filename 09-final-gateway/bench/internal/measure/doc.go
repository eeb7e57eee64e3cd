// Package measure reads what the benchmark reports: CPU time and peak memory of a
// process tree from /proc, the machine's busy time, and the numbers in wrk's, h2load's
// and loadgen's output. It has no side effects beyond reading files.
package measure
