package main

import (
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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

// TestDockerfile checks what can be checked of the Dockerfile without a container
// engine (none runs on the build machines): it is multi-stage, its final image runs as
// a non-root user, its module layer copies every module of go.work (a stage added to the
// workspace but not here would break `go mod download`), and its build command, run as
// written from the repository root, makes a static binary that runs.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms, build []string
	var finalUser string
	copied := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "FROM":
			froms = append(froms, fields[1])
			finalUser = ""
		case "USER":
			finalUser = fields[1]
		case "COPY":
			for _, f := range fields[1:] {
				if dir, ok := strings.CutSuffix(f, "/go.mod"); ok {
					copied[dir] = true
				}
			}
		case "RUN":
			if strings.Contains(line, "go build") {
				build = fields[1:]
			}
		}
	}
	if len(froms) < 2 {
		t.Errorf("%d FROM lines; want a multi-stage build", len(froms))
	}
	if u := strings.Split(finalUser, ":")[0]; u == "" || u == "root" || u == "0" {
		t.Errorf("the final image runs as %q; want a non-root USER", finalUser)
	}
	work, err := os.ReadFile("../../../go.work")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(work), "\n") {
		if dir, ok := strings.CutPrefix(strings.TrimSpace(line), "./"); ok && !copied[dir] {
			t.Errorf("module %s of go.work is not copied before go mod download", dir)
		}
	}
	if len(build) == 0 {
		t.Fatal("no RUN ... go build line")
	}
	out := filepath.Join(t.TempDir(), "gateway")
	cmdline := strings.ReplaceAll(strings.Join(build, " "), "/out/gateway", out)
	cmd := exec.Command("sh", "-c", cmdline)
	cmd.Dir = "../../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmdline, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary is dynamically linked; the distroless static image has no loader")
		}
	}
	if b, err := exec.Command(out, "default-config").Output(); err != nil || !bytes.Contains(b, []byte("listeners:")) {
		t.Errorf("the built binary does not run: %v\n%s", err, b)
	}
}
