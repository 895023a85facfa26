//! The explorer's insight panel (`i`): the same answers as `report`, from the matrix,
//! shown on screen with the cells they cite.

use netio_tui::app::keys::action_for_key;
use netio_tui::app::App;
use netio_tui::engine::config::{Config, Strategy};
use netio_tui::engine::sample::{
    ConfigResult, Counts, EngineEvent, MachineInfo, Measured, ZcStats,
};
use netio_tui::source::SourceKind;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;

fn result(c: Config, gbps: f64, copied: bool) -> ConfigResult {
    let seconds = 2.0;
    let bytes = (gbps * 1e9 / 8.0 * seconds) as u64;
    let messages = bytes / c.msg_size as u64;
    ConfigResult {
        config: c,
        total: Measured {
            fixed_messages: None,
            seconds,
            bytes,
            messages,
            rtt: None,
            tx: Counts {
                cpu_ns: Some(bytes),
                syscalls: Some(
                    messages
                        * if c.strategy == Strategy::TwoCopy {
                            8
                        } else {
                            1
                        },
                ),
                ..Default::default()
            },
            rx: Counts::default(),
            both: None,
            zc: copied.then_some(ZcStats {
                sends: messages,
                completions: messages,
                copied: messages,
                enobufs: 0,
            }),
            memcpy_ns_per_byte: None,
            noise: None,
            rx_zc: None,
            profile: None,
        },
        bytes_sent: bytes,
        bytes_received: bytes,
        verified: false,
    }
}

#[test]
fn i_opens_the_answers_with_their_cells_and_esc_closes_them() {
    let start = Config::new(Strategy::TwoCopy, 64, 1);
    let mut app = App::new(
        MachineInfo {
            cores: 2,
            ..Default::default()
        },
        SourceKind::Live {
            network: "test".into(),
        },
        start,
        2.0,
    );
    for (s, g) in [
        (Strategy::TwoCopy, 1.0),
        (Strategy::OneCopy, 5.0),
        (Strategy::ZeroCopy, 2.0),
    ] {
        let c = Config::new(s, 4096, 1);
        app.update(netio_tui::app::Action::Engine(EngineEvent::Finished(
            result(c, g, s == Strategy::ZeroCopy),
        )));
    }
    let key = action_for_key(KeyEvent::from(KeyCode::Char('i'))).unwrap();
    app.update(key);
    let mut t = Terminal::new(TestBackend::new(120, 60)).unwrap();
    t.draw(|fr| netio_tui::ui::draw(fr, &app)).unwrap();
    let screen = t.backend().to_string();
    assert!(screen.contains("insight"), "{screen}");
    assert!(
        screen.contains("Why is zero-copy not always fastest?"),
        "{screen}"
    );
    // The answer quotes the cells: zero-copy at 2 Gb/s against one-copy at 5 (one trial
    // each, so only a gap beyond 2× is called).
    assert!(screen.contains("zero-copy 4K ×1"), "{screen}");
    assert!(screen.contains("copied by the kernel 100%"), "{screen}");
    // One trial per cell: the answers say so, and how to measure intervals.
    assert!(screen.contains("--repeat 5"), "{screen}");
    // No CPU-time breakdown in these cells: the panel says which flag gives it.
    assert!(screen.contains("measure with --profile"), "{screen}");
    app.update(action_for_key(KeyEvent::from(KeyCode::Esc)).unwrap());
    t.draw(|fr| netio_tui::ui::draw(fr, &app)).unwrap();
    assert!(!t.backend().to_string().contains("Why is zero-copy"));
}
