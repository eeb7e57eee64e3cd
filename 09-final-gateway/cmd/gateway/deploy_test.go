package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"gatewaylab/09-final-gateway/config"
)

// TestKubernetesManifestConfig: the configuration shipped in the Kubernetes manifest's
// ConfigMap is one the gateway accepts, and the manifest exposes every listener it
// declares (the course's manifest left its TCP and gRPC ports unreachable).
func TestKubernetesManifestConfig(t *testing.T) {
	data, err := os.ReadFile("../../deploy/kubernetes/gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var gatewayYAML string
	var containerPorts, servicePorts []string
	for {
		var doc struct {
			Kind string            `yaml:"kind"`
			Data map[string]string `yaml:"data"`
			Spec struct {
				Ports []struct {
					TargetPort string `yaml:"targetPort"`
				} `yaml:"ports"`
				Template struct {
					Spec struct {
						Containers []struct {
							Ports []struct {
								Name string `yaml:"name"`
							} `yaml:"ports"`
						} `yaml:"containers"`
					} `yaml:"spec"`
				} `yaml:"template"`
			} `yaml:"spec"`
		}
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		switch doc.Kind {
		case "ConfigMap":
			gatewayYAML = doc.Data["gateway.yaml"]
		case "Deployment":
			for _, p := range doc.Spec.Template.Spec.Containers[0].Ports {
				containerPorts = append(containerPorts, p.Name)
			}
		case "Service":
			for _, p := range doc.Spec.Ports {
				servicePorts = append(servicePorts, p.TargetPort)
			}
		}
	}
	f, err := config.Parse("deploy/kubernetes/gateway.yaml (ConfigMap)", []byte(gatewayYAML))
	if err != nil {
		t.Fatalf("the manifest's configuration is refused:\n%v", err)
	}
	for _, l := range f.Config.Listeners {
		if !contains(containerPorts, l.Name) || !contains(servicePorts, l.Name) {
			t.Errorf("listener %q is not exposed (container ports %v, service target ports %v)", l.Name, containerPorts, servicePorts)
		}
	}
	if !strings.Contains(gatewayYAML, "0.0.0.0:9901") || !contains(servicePorts, "admin") {
		t.Error("the admin listener must be reachable inside the cluster for probes")
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
