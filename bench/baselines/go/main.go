// The tutorial's greeting server as a Go developer would write it: the standard library, one
// goroutine per connection, time.Sleep for the pause. A benchmark baseline, same bytes on the wire.
//
//	go run . [PORT] [DELAY_MS]   (defaults 9999 1000; port 0 binds a free port)
package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

func serve(conn net.Conn, delay time.Duration) {
	defer conn.Close()
	if _, err := conn.Write([]byte("Welcome!")); err != nil {
		return
	}
	buf := make([]byte, 1024)
	for {
		n, err := conn.Read(buf)
		time.Sleep(delay)
		if n == 0 || err != nil || bytes.Equal(buf[:n], []byte("exit")) {
			return
		}
		reply := make([]byte, 0, n+8)
		reply = append(reply, "Hello, "...)
		reply = append(reply, buf[:n]...)
		reply = append(reply, '!')
		if _, err := conn.Write(reply); err != nil {
			return
		}
	}
}

func main() {
	port, delayMs := 9999, 1000
	if len(os.Args) > 1 {
		port, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		delayMs, _ = strconv.Atoi(os.Args[2])
	}
	delay := time.Duration(delayMs) * time.Millisecond
	// The listen backlog is the kernel's somaxconn, as for every Go server.
	ln, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("Listening on %s\nWaiting for connection...\n", ln.Addr())
	for {
		conn, err := ln.Accept()
		if err != nil {
			continue
		}
		go serve(conn, delay)
	}
}
