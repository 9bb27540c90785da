package output

import (
	"fmt"
	"io"
	"regexp"
	"sort"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Gauge is one Prometheus gauge family: a name, its help text and its
// samples (one, or one per label set).
type Gauge struct {
	Name    string
	Help    string
	Samples []Sample
}

// Sample is one value of a gauge, with its labels.
type Sample struct {
	Labels map[string]string
	Value  float64
}

var promName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)

// WritePrometheus writes gauges in the Prometheus text exposition format
// (HELP and TYPE lines, escaped label values, no timestamps), which
// node_exporter's textfile collector reads. Label sets are written sorted
// so the output is stable; a gauge without samples is left out.
func WritePrometheus(w io.Writer, gauges []Gauge) error {
	for _, g := range gauges {
		if len(g.Samples) == 0 {
			continue
		}
		if !promName.MatchString(g.Name) {
			return fmt.Errorf("invalid metric name %q", g.Name)
		}
		mf := &dto.MetricFamily{Name: &g.Name, Help: &g.Help, Type: dto.MetricType_GAUGE.Enum()}
		for _, s := range g.Samples {
			m := &dto.Metric{Gauge: &dto.Gauge{Value: ptrTo(s.Value)}}
			keys := make([]string, 0, len(s.Labels))
			for k := range s.Labels {
				if !promName.MatchString(k) {
					return fmt.Errorf("metric %s: invalid label name %q", g.Name, k)
				}
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				m.Label = append(m.Label, &dto.LabelPair{Name: ptrTo(k), Value: ptrTo(s.Labels[k])})
			}
			mf.Metric = append(mf.Metric, m)
		}
		if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
			return fmt.Errorf("write metric %s: %w", g.Name, err)
		}
	}
	return nil
}

func ptrTo[T any](v T) *T { return &v }
