// Command sessionpeer is Larch's far end for the QUIC sessions interop test (overlay GoSessionsInteropTest): a
// Pinecone router built from github.com/matrix-org/pinecone (the pinned commit) with its "sessions" package (QUIC
// over Pinecone traffic, TLS 1.3 with ed25519 certificates, ALPN "matrix"), serving HTTP/1.1 on every accepted
// stream and sending HTTP requests the way Dendrite's P2P demo does (keep-alive transport dialling through the
// session protocol).
//
// It dials the given TCP peers and prints "READY <hex key>". Every request it serves is answered with 200 and the
// body "go:<method> <path> <request body>" (header X-Go-Host: the Host it received) and logged as
// "SERVED <method> <path> host=<host> remote=<remote key>". Commands on stdin:
//
//	get <hex key> <path>            -> "RESPONSE <path> <status> <body>" or "ERROR <path> <error>"
//	many <hex key> <count> <prefix> -> <count> concurrent GETs of <prefix>/<i>, then "MANY ok=<n> bad=<n> <first error>"
//
// It is our own code; build.sh next to it builds it in a throwaway module outside the repository.
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/matrix-org/pinecone/router"
	"github.com/matrix-org/pinecone/sessions"
)

var out sync.Mutex

func say(format string, args ...interface{}) {
	out.Lock()
	defer out.Unlock()
	fmt.Printf(format+"\n", args...)
}

func main() {
	secretkey := flag.String("secretkey", "", "hex ed25519 seed (32 bytes)")
	connect := flag.String("connect", "", "comma-separated TCP host:port peers")
	flag.Parse()

	seed, err := hex.DecodeString(*secretkey)
	if err != nil || len(seed) != ed25519.SeedSize {
		fmt.Fprintln(os.Stderr, "sessionpeer: -secretkey must be 64 hex digits")
		os.Exit(2)
	}
	logger := log.New(os.Stderr, "", log.Lmicroseconds)
	r := router.NewRouter(logger, ed25519.NewKeyFromSeed(seed))
	s := sessions.NewSessions(logger, r, []string{"matrix"})
	proto := s.Protocol("matrix")

	server := &http.Server{ // Dendrite's P2P server timeouts (monolith.go startHTTPServers)
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 10 * time.Second,
		IdleTimeout:  30 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			say("SERVED %s %s host=%s remote=%s", req.Method, req.URL.Path, req.Host, req.RemoteAddr)
			w.Header().Set("X-Go-Host", req.Host)
			fmt.Fprintf(w, "go:%s %s %s", req.Method, req.URL.Path, body)
		}),
	}
	go server.Serve(proto) // nolint:errcheck

	// Dendrite's createTransport: keep-alive on, dialling through the session protocol (no TLS at the HTTP layer).
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			DialContext:         proto.DialContext,
			DialTLSContext:      proto.DialTLSContext,
			MaxIdleConnsPerHost: 64,
		},
	}

	for _, uri := range strings.Split(*connect, ",") {
		if uri = strings.TrimSpace(uri); uri == "" {
			continue
		}
		conn, err := net.DialTimeout("tcp", uri, 5*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sessionpeer: dial", uri, err)
			os.Exit(1)
		}
		if _, err := r.Connect(conn, router.ConnectionURI(uri), router.ConnectionPeerType(router.PeerTypeRemote)); err != nil {
			fmt.Fprintln(os.Stderr, "sessionpeer: connect", uri, err)
			os.Exit(1)
		}
	}
	public := r.PublicKey()
	say("READY %s", hex.EncodeToString(public[:]))

	get := func(key, path string) (int, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+key+path, nil)
		if err != nil {
			return 0, "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), err
	}

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		parts := strings.Fields(in.Text())
		switch {
		case len(parts) == 3 && parts[0] == "get":
			go func(key, path string) {
				status, body, err := get(key, path)
				if err != nil {
					say("ERROR %s %v", path, err)
					return
				}
				say("RESPONSE %s %d %s", path, status, body)
			}(parts[1], parts[2])
		case len(parts) == 4 && parts[0] == "many":
			count, _ := strconv.Atoi(parts[2])
			go func(key, prefix string, count int) {
				var wg sync.WaitGroup
				var mu sync.Mutex
				ok, bad, first := 0, 0, ""
				for i := 0; i < count; i++ {
					wg.Add(1)
					go func(i int) {
						defer wg.Done()
						path := fmt.Sprintf("%s/%d", prefix, i)
						status, body, err := get(key, path)
						mu.Lock()
						defer mu.Unlock()
						if err == nil && status == 200 && strings.Contains(body, path) {
							ok++
						} else {
							bad++
							if first == "" {
								first = fmt.Sprintf("%d %q %v", status, body, err)
							}
						}
					}(i)
				}
				wg.Wait()
				say("MANY ok=%d bad=%d %s", ok, bad, first)
			}(parts[1], parts[3], count)
		case len(parts) == 1 && parts[0] == "quit":
			_ = s.Close()
			_ = r.Close()
			return
		}
	}
}
