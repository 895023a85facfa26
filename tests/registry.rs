//! A metric added as one registry entry (what it is) and one presentation entry (where
//! it is shown) reaches every output: `run`'s line, JSON, CSV, the live panel, the
//! matrix, the help overlay and the plots.

use netio_tui::app::{Action, App};
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::metric::{Better, Figures, Format, MetricDef, Needs, Registry, METRICS};
use netio_tui::engine::sample::{ConfigResult, EngineEvent, MachineInfo, Measured, Sample};
use netio_tui::source::SourceKind;
use netio_tui::view::{Live, MetricView, Plot, PlotX, Scale, View, Views, YScale, VIEWS};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const FAKE: MetricDef = MetricDef {
    name: "fake_per_msg",
    short: "fakeness",
    label: "a metric that exists only in this test",
    unit: "fk",
    better: Better::Lower,
    format: Format::Fixed(2),
    needs: Needs::Nothing,
    value: |_, m| (m.messages > 0).then(|| m.bytes as f64 / m.messages as f64 / 1000.0),
    per_side: false,
};

const FAKE_VIEW: MetricView = MetricView {
    metric: FAKE.id(),
    summary: true,
    matrix: Some((
        1,
        View {
            title: "FAKE",
            scale: Scale::Raw,
        },
    )),
    live: Some(Live::Spark(View {
        title: "Fakeness",
        scale: Scale::Raw,
    })),
    plots: &[Plot {
        file: "fake-vs-size.svg",
        title: "Fakeness vs message size",
        y_label: "fakeness",
        x: PlotX::MessageSize,
        scale: Scale::Raw,
        y: YScale::Linear,
    }],
    reference: None,
    instead_of: None,
};

fn registry() -> &'static Registry {
    let v: Vec<MetricDef> = METRICS.iter().copied().chain([FAKE]).collect();
    Box::leak(v.into_boxed_slice())
}

fn views() -> &'static Views {
    let v: Vec<MetricView> = VIEWS.iter().copied().chain([FAKE_VIEW]).collect();
    Box::leak(v.into_boxed_slice())
}

fn window(seconds: f64) -> Measured {
    Measured {
        seconds,
        bytes: (4096.0 * 1000.0 * seconds) as u64,
        messages: (1000.0 * seconds) as u64,
        ..Default::default()
    }
}

fn result(c: Config) -> ConfigResult {
    ConfigResult {
        config: c,
        total: window(2.0),
        bytes_sent: 0,
        bytes_received: 0,
        verified: false,
    }
}

#[test]
fn a_new_metric_reaches_every_output() {
    let (reg, views) = (registry(), views());
    let c = Config::new(Strategy::OneCopy, 4096, 1);
    let f = Figures::of(reg, &result(c));

    let line = netio_tui::cmd::output::summary_line(reg, views, &f, false);
    assert!(line.contains("fakeness 4.096 fk"), "{line}");

    let json = netio_tui::model::csv::to_json(reg, &f);
    assert_eq!(json["fake_per_msg"], serde_json::json!(4.1));

    let csv = String::from_utf8(
        netio_tui::model::csv::to_csv_bytes(reg, std::slice::from_ref(&f)).unwrap(),
    )
    .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == "fake_per_msg").unwrap();
    assert_eq!(row[i], "4.1");
    assert_eq!(&header[..20], netio_tui::model::csv::COLUMNS);

    // The explorer: a live row and a matrix column, from the same entry.
    let mut app = App::new(
        MachineInfo::default(),
        SourceKind::Live {
            network: "test".into(),
        },
        c,
        2.0,
    );
    app.metrics = reg;
    app.views = views;
    app.update(Action::Engine(EngineEvent::Started { config: c }));
    app.update(Action::Engine(EngineEvent::Sample(Sample {
        config: c,
        seq: 0,
        elapsed_s: 0.25,
        interval: window(0.25),
        top: None,
    })));
    app.update(Action::Engine(EngineEvent::Finished(result(c))));
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|fr| netio_tui::ui::draw(fr, &app)).unwrap();
    let screen = t.backend().to_string();
    assert!(screen.contains("Fakeness"), "live row:\n{screen}");
    assert!(screen.contains("FAKE"), "matrix column:\n{screen}");
    app.update(Action::ToggleHelp);
    // The help scrolls: its metric lines come after every key's.
    let mut help = String::new();
    for _ in 0..6 {
        t.draw(|fr| netio_tui::ui::draw(fr, &app)).unwrap();
        help.push_str(&t.backend().to_string());
        app.update(Action::ScrollDown);
    }
    assert!(help.contains("a metric that exists only"), "help:\n{help}");

    // The plots.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.csv");
    let rows: Vec<Figures> = [64, 4096]
        .into_iter()
        .map(|s| Figures::of(reg, &result(Config::new(Strategy::OneCopy, s, 1))))
        .collect();
    netio_tui::model::csv::write_rows(reg, &path, &rows).unwrap();
    let report = netio_tui::plot::plot_with(reg, views, &path, dir.path(), None).unwrap();
    assert!(
        report
            .written
            .iter()
            .any(|p| p.ends_with("fake-vs-size.svg")),
        "{report:?}"
    );
}
