package server

import (
	"errors"
	"fmt"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/etcdreg"
)

// etcdState is the server's connection to etcd (cluster mode): the service registry
// and, with issue 10, the configuration store.
type etcdState struct {
	mu     sync.Mutex
	client *clientv3.Client
	reg    *etcdreg.Registry
}

// registry returns the etcd service registry, connecting on first use.
func (s *Server) registry() (registry.Registry, error) {
	s.etcd.mu.Lock()
	defer s.etcd.mu.Unlock()
	if s.etcd.reg != nil {
		return s.etcd.reg, nil
	}
	e := s.file.Config.Cluster.Etcd
	if e == nil {
		return nil, errors.New("discovery needs cluster.etcd")
	}
	if s.etcd.client == nil {
		cfg := etcdreg.ClientConfig(e.Endpoints)
		cfg.DialTimeout = e.DialTimeout.D()
		c, err := clientv3.New(cfg)
		if err != nil {
			return nil, fmt.Errorf("connect to etcd %v: %w", e.Endpoints, err)
		}
		s.etcd.client = c
	}
	reg, err := etcdreg.New(etcdreg.Config{Client: s.etcd.client, Prefix: e.Prefix, Logger: s.logger})
	if err != nil {
		return nil, err
	}
	s.etcd.reg = reg
	return reg, nil
}

func (s *Server) closeEtcd() error {
	s.etcd.mu.Lock()
	defer s.etcd.mu.Unlock()
	if s.etcd.client == nil {
		return nil
	}
	err := s.etcd.client.Close()
	s.etcd.client, s.etcd.reg = nil, nil
	return err
}
