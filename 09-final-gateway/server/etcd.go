package server

import (
	"errors"
	"sync"

	clientv3 "go.etcd.io/etcd/client/v3"

	"gatewaylab/06-discovery/registry"
	"gatewaylab/06-discovery/registry/etcdreg"
)

// etcdState is the server's connection to etcd (cluster mode): the client, shared by the
// service registry and the configuration store.
type etcdState struct {
	mu     sync.Mutex
	client *clientv3.Client
	reg    *etcdreg.Registry
}

// registry returns the etcd service registry, connecting on first use.
func (s *Server) registry() (registry.Registry, error) {
	e := s.file.Config.Cluster.Etcd
	if e == nil {
		return nil, errors.New("discovery needs cluster.etcd")
	}
	client, err := s.etcdClient()
	if err != nil {
		return nil, err
	}
	s.etcd.mu.Lock()
	defer s.etcd.mu.Unlock()
	if s.etcd.reg == nil {
		if s.etcd.reg, err = etcdreg.New(etcdreg.Config{Client: client, Prefix: e.Prefix, Logger: s.logger}); err != nil {
			return nil, err
		}
	}
	return s.etcd.reg, nil
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
