// Command trafficpeer is Larch's far end for the Go interop test (overlay GoPineconeInteropTest): a Pinecone router
// built from github.com/matrix-org/pinecone (the pinned commit) WITHOUT blackhole mode, so unlike cmd/pinecone it
// accepts traffic addressed to itself. It dials the given TCP peers, prints "READY <hex key>", then for every
// datagram prints "RECEIVED <hex source> <payload>" and sends "echo:<payload>" back to the source key.
//
// It is our own code; scripts/build-go-pinecone.sh builds it inside a throwaway module next to cmd/pinecone.
package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/matrix-org/pinecone/router"
	"github.com/matrix-org/pinecone/types"
)

func main() {
	secretkey := flag.String("secretkey", "", "hex ed25519 seed (32 bytes)")
	connect := flag.String("connect", "", "comma-separated TCP host:port peers")
	flag.Parse()

	seed, err := hex.DecodeString(*secretkey)
	if err != nil || len(seed) != ed25519.SeedSize {
		fmt.Fprintln(os.Stderr, "trafficpeer: -secretkey must be 64 hex digits")
		os.Exit(2)
	}
	sk := ed25519.NewKeyFromSeed(seed)
	r := router.NewRouter(log.New(os.Stderr, "router: ", 0), sk)

	for _, uri := range strings.Split(*connect, ",") {
		uri = strings.TrimSpace(uri)
		if uri == "" {
			continue
		}
		conn, err := net.DialTimeout("tcp", uri, 5*time.Second)
		if err != nil {
			fmt.Fprintln(os.Stderr, "trafficpeer: dial", uri, err)
			os.Exit(1)
		}
		if _, err := r.Connect(conn, router.ConnectionURI(uri), router.ConnectionPeerType(router.PeerTypeRemote)); err != nil {
			fmt.Fprintln(os.Stderr, "trafficpeer: connect", uri, err)
			os.Exit(1)
		}
	}

	public := r.PublicKey()
	fmt.Printf("READY %s\n", hex.EncodeToString(public[:]))

	go func() {
		buf := make([]byte, 65535)
		for {
			n, addr, err := r.ReadFrom(buf)
			if err != nil {
				fmt.Fprintln(os.Stderr, "trafficpeer: read", err)
				return
			}
			source, ok := addr.(types.PublicKey)
			if !ok {
				continue
			}
			payload := string(buf[:n])
			fmt.Printf("RECEIVED %s %s\n", hex.EncodeToString(source[:]), payload)
			if strings.HasPrefix(payload, "echo:") {
				continue // never echo an echo: two echoing peers would ping-pong forever
			}
			if _, err := r.WriteTo([]byte("echo:"+payload), source); err != nil {
				fmt.Fprintln(os.Stderr, "trafficpeer: write", err)
			}
		}
	}()

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	<-sigs
	_ = r.Close()
}
