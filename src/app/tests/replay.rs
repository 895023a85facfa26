//! A replay: the recording decides; speed keys act only here.

use super::*;

#[test]
fn speed_keys_only_act_on_a_replay() {
    let mut a = app();
    assert_eq!(a.update(Action::Faster), vec![]);
    let mut r = App::new(machine(), replay(), START, 2.0);
    assert_eq!(
        r.update(Action::Faster),
        vec![Effect::Control(Control::Faster)]
    );
    assert_eq!(
        r.update(Action::Slower),
        vec![Effect::Control(Control::Slower)]
    );
    r.update(Action::SourceChanged(SourceKind::Replay {
        file: "demo.jsonl".into(),
        speed: 2.0,
    }));
    assert!(matches!(r.kind, SourceKind::Replay { speed, .. } if speed == 2.0));
}

#[test]
fn replay_ignores_configuration_keys_with_a_note() {
    let mut r = App::new(machine(), replay(), START, 2.0);
    for act in [
        Action::NextStrategy,
        Action::PrevStrategy,
        Action::LargerSize,
        Action::SmallerSize,
        Action::MoreThreads,
        Action::FewerThreads,
        Action::ToggleSweep,
    ] {
        r.status = None;
        assert_eq!(r.update(act.clone()), vec![], "{act:?}");
        assert!(r.status.is_some(), "{act:?} leaves a note");
        assert_eq!(r.selected, START);
    }
    // The recording decides what is current.
    let c = Config::new(Strategy::ZeroCopy, 64, 2);
    r.update(Action::Engine(EngineEvent::Started { config: c }));
    assert_eq!(r.selected, c);
    assert_eq!(
        r.update(Action::TogglePause),
        vec![Effect::Control(Control::Pause)]
    );
}

#[test]
fn the_end_of_a_replay_says_ended() {
    let mut r = App::new(machine(), replay(), START, 2.0);
    r.update(Action::Engine(EngineEvent::Started { config: START }));
    r.update(Action::Engine(sample(START, 0, 4.0)));
    assert_eq!(r.phase, Phase::Measuring);
    // A notice that reads like the end is only a notice.
    r.update(Action::Engine(EngineEvent::Notice {
        message: "end of recording: 3 events over 1.0 s; q quits".into(),
    }));
    assert_eq!(r.phase, Phase::Measuring);
    r.recording_ended(&crate::source::EndOfRecording {
        events: 3,
        seconds: 1.0,
    });
    assert_eq!(r.phase, Phase::Ended);
}
