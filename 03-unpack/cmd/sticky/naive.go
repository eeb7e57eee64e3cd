package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// showOneBigRead: the server reads with a plain 4 KiB conn.Read after the
// client has finished. TCP kept the bytes, not the writes.
func showOneBigRead(msgs [][]byte) error {
	fmt.Println("1. Naive server: conn.Read into a 4 KiB buffer, after the client finished writing")
	chunks, err := rawExchange(msgs, plainReads)
	if err != nil {
		return err
	}
	for i, chunk := range chunks {
		parts := partsOf(msgs, chunks, i)
		fmt.Printf("   read %d returned %d bytes holding %d messages\n", i+1, len(chunk), len(parts))
	}
	fmt.Printf("   => 粘包 (sticky packets): %d writes came out as %d reads; nothing in the bytes says where a message ends.\n",
		len(msgs), len(chunks))
	fmt.Println("      (the kernel decides how bytes are grouped: the read count may differ on your machine, the bytes never do)")
	fmt.Println()
	return nil
}

// showSmallReads: the server reads 16 bytes at a time, like a server whose
// buffer is smaller than what has piled up. io.ReadFull makes every read
// exactly 16 bytes, so the cuts are the same on every run.
func showSmallReads(msgs [][]byte) error {
	fmt.Println("2. Naive server: 16-byte reads (io.ReadFull, so every run cuts at the same places)")
	chunks, err := rawExchange(msgs, fixedReads(16))
	if err != nil {
		return err
	}
	for i := range chunks {
		if i == 8 && len(chunks) > 10 {
			fmt.Printf("   ... %d more reads ...\n", len(chunks)-10)
		}
		if i < 8 || i >= len(chunks)-2 {
			fmt.Printf("   read %2d: %-20q = %s\n", i+1, chunks[i], describe(partsOf(msgs, chunks, i)))
		}
	}
	s := summarize(msgs, chunks)
	fmt.Printf("   => %d reads for %d messages: %d reads held exactly one message, %d merged pieces of several,\n",
		len(chunks), len(msgs), s.oneWhole, s.merged)
	fmt.Printf("      and %d messages were cut across two reads (拆包, split packets).\n\n", s.split)
	return nil
}

// rawExchange connects a client to a server on loopback, has the client
// write each message with its own Write and half-close, and returns what
// the server's read function got. Everything fits in the socket buffers,
// so the writes never wait for the reads.
func rawExchange(msgs [][]byte, read func(net.Conn) ([][]byte, error)) ([][]byte, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		return nil, fmt.Errorf("accept: %w", err)
	}
	defer server.Close()
	if err := writeEach(client.(*net.TCPConn), msgs); err != nil {
		return nil, err
	}
	if err := server.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return nil, err
	}
	return read(server)
}

// writeEach writes every message with its own system call, then closes the
// sending side so the server sees EOF after the last byte.
func writeEach(conn *net.TCPConn, msgs [][]byte) error {
	for _, m := range msgs {
		if _, err := conn.Write(m); err != nil {
			return fmt.Errorf("write: %w", err)
		}
	}
	return conn.CloseWrite()
}

// plainReads does what naive code does: conn.Read until EOF.
func plainReads(conn net.Conn) ([][]byte, error) {
	var chunks [][]byte
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			chunks = append(chunks, append([]byte(nil), buf[:n]...))
		}
		if errors.Is(err, io.EOF) {
			return chunks, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
	}
}

// fixedReads reads size bytes at a time until EOF; the last read may be short.
func fixedReads(size int) func(net.Conn) ([][]byte, error) {
	return func(conn net.Conn) ([][]byte, error) {
		var chunks [][]byte
		for {
			buf := make([]byte, size)
			n, err := io.ReadFull(conn, buf)
			if n > 0 {
				chunks = append(chunks, buf[:n])
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return chunks, nil
			}
			if err != nil {
				return nil, fmt.Errorf("read: %w", err)
			}
		}
	}
}
