//! The automatic sweep.

use super::*;

/// Issue 22 item 7: the status line follows the sweep; a note is replaced at the
/// next step, a failed step's error one step later.
#[test]
fn the_status_line_follows_the_sweep() {
    let mut a = app();
    let plan = crate::model::plan::plan(&[Strategy::TwoCopy], &[64, 256, 1024, 4096], &[1]);
    a.sweep_plan = plan.clone();
    a.sweep_duration = 0.5;
    a.update(Action::ToggleSweep);
    assert!(a.status.as_ref().unwrap().text.contains("sweep started"));
    a.update(Action::Engine(finished(plan[0], 0.5, 1.0)));
    let said = a.status.clone().unwrap();
    assert!(!said.error && said.text.contains("sweep 2/4"), "{said:?}");
    a.update(Action::Engine(EngineEvent::Failed {
        config: plan[1],
        failure: crate::engine::sample::Failure::Start {
            message: "connection reset".into(),
        },
    }));
    let said = a.status.clone().unwrap();
    assert!(
        said.error && said.text.contains("connection reset"),
        "{said:?}"
    );
    a.update(Action::Engine(finished(plan[2], 0.5, 1.0)));
    let said = a.status.clone().unwrap();
    assert!(!said.error && said.text.contains("sweep 4/4"), "{said:?}");
}

#[test]
fn sweep_runs_the_plan_on_the_engines_clock_and_can_be_cancelled() {
    let mut a = app();
    a.sweep_plan = crate::model::plan::plan(&[Strategy::TwoCopy, Strategy::ZeroCopy], &[64], &[1]);
    a.sweep_duration = 0.5;
    let first = Config::new(Strategy::TwoCopy, 64, 1);
    let second = Config::new(Strategy::ZeroCopy, 64, 1);
    let measure = |config| {
        Effect::Control(Control::Measure {
            config,
            seconds: 0.5,
        })
    };
    let fx = a.update(Action::ToggleSweep);
    assert_eq!(fx, vec![measure(first)]);
    assert!(a.sweep.is_some());
    a.update(Action::Engine(EngineEvent::Started { config: first }));
    // Samples do not move the sweep: the engine times each window.
    assert_eq!(a.update(Action::Engine(sample(first, 0, 1.0))), vec![]);
    assert_eq!(a.update(Action::Engine(sample(first, 1, 1.0))), vec![]);
    assert_eq!(
        a.update(Action::Engine(finished(first, 0.5, 1.0))),
        vec![measure(second)]
    );
    a.update(Action::Engine(EngineEvent::Started { config: second }));
    a.update(Action::Engine(sample(second, 0, 2.0)));
    // Issue 22 item 2: done, the explorer says it is idle and the engine is told to
    // wait open-ended on the last configuration (space then measures it, untimed).
    assert_eq!(
        a.update(Action::Engine(finished(second, 0.5, 2.0))),
        vec![
            Effect::Control(Control::Pause),
            Effect::Control(Control::SetConfig(second))
        ]
    );
    assert!(a.sweep.is_none(), "plan done");
    assert_eq!(a.phase, Phase::Idle);
    let said = &a.status.as_ref().unwrap().text;
    assert!(
        said.contains("sweep done") && said.contains("idle"),
        "{said}"
    );
    assert_eq!(a.matrix.len(), 2);
    assert_eq!(
        a.update(Action::TogglePause),
        vec![Effect::Control(Control::Resume)]
    );
    assert_eq!(a.phase, Phase::Switching);

    // s again cancels.
    a.update(Action::ToggleSweep);
    assert!(a.sweep.is_some());
    assert_eq!(a.update(Action::ToggleSweep), vec![]);
    assert!(a.sweep.is_none());
    assert!(a.status.as_ref().unwrap().text.contains("cancelled"));
}

#[test]
fn sweep_moves_on_when_a_config_fails_and_stops_on_a_manual_change() {
    let mut a = app();
    a.sweep_plan = crate::model::plan::plan(&[Strategy::TwoCopy], &[64, 128], &[1]);
    a.update(Action::ToggleSweep);
    let fx = a.update(Action::Engine(EngineEvent::Failed {
        config: Config::new(Strategy::TwoCopy, 64, 1),
        failure: crate::engine::sample::Failure::NoData,
    }));
    assert_eq!(
        fx,
        vec![Effect::Control(Control::Measure {
            config: Config::new(Strategy::TwoCopy, 128, 1),
            seconds: 2.0
        })]
    );
    assert!(!a.paused);
    assert!(a.status.as_ref().unwrap().error);
    assert!(a.matrix.is_empty(), "a failed window is never a matrix row");
    a.update(Action::NextStrategy);
    assert!(a.sweep.is_none());
}

#[test]
fn sweep_resumes_a_paused_source() {
    let mut a = app();
    a.update(Action::TogglePause);
    let fx = a.update(Action::ToggleSweep);
    assert_eq!(fx[0], Effect::Control(Control::Resume));
    assert!(matches!(fx[1], Effect::Control(Control::Measure { .. })));
    assert!(!a.paused);
}

#[test]
fn min_window_is_configurable_and_sweep_steps_use_their_own_length() {
    let mut a = app();
    a.min_window = 3.0;
    a.update(Action::Engine(finished(START, 2.0, 5.0)));
    assert!(a.matrix.is_empty());
    assert!(a.status.unwrap().text.contains("under the 3s minimum"));
    let mut b = app();
    b.min_window = 3.0;
    b.update(Action::ToggleSweep);
    let first = b.sweep.as_ref().unwrap().current();
    b.update(Action::Engine(finished(first, 2.0, 5.0)));
    assert_eq!(b.matrix.len(), 1, "a 2 s sweep step is a whole window");
}

#[test]
fn a_repeated_sweep_measures_every_configuration_once_per_pass_interleaved() {
    let mut a = app();
    let first = Config::new(Strategy::TwoCopy, 64, 1);
    let second = Config::new(Strategy::ZeroCopy, 64, 1);
    a.sweep_plan = vec![first, second];
    a.sweep_repeat = 3;
    let measured = |fx: Vec<Effect>| match fx.as_slice() {
        [Effect::Control(Control::Measure { config, .. })] => *config,
        other => panic!("not one sweep step: {other:?}"),
    };
    let mut order = vec![measured(a.update(Action::ToggleSweep))];
    assert!(a.status.as_ref().unwrap().text.contains("× 3 trials"));
    assert_eq!(a.sweep.as_ref().unwrap().progress(), "1/6 (pass 1 of 3)");
    for _ in 0..5 {
        let c = *order.last().unwrap();
        order.push(measured(a.update(Action::Engine(finished(c, 0.5, 1.0)))));
    }
    // Round-robin through the plan, never two trials of one configuration in a row.
    assert_eq!(order, [first, second, first, second, first, second]);
    assert_eq!(a.sweep.as_ref().unwrap().progress(), "6/6 (pass 3 of 3)");
    a.update(Action::Engine(finished(second, 0.5, 1.0)));
    assert!(a.sweep.is_none());
    assert_eq!(a.phase, Phase::Idle);
    assert!(a.status.as_ref().unwrap().text.contains("3 times each"));
    // Each configuration is one row of three trials.
    assert_eq!(a.matrix.len(), 2);
    assert_eq!(a.matrix.trials(&first).unwrap().len(), 3);
    assert_eq!(a.export_rows()[0].trials, 3);
    // Idle, a configuration key measures the new choice at once.
    assert_eq!(
        a.update(Action::MoreThreads),
        vec![
            Effect::Control(Control::SetConfig(Config::new(Strategy::ZeroCopy, 64, 2))),
            Effect::Control(Control::Resume)
        ]
    );
    assert_eq!(a.phase, Phase::Switching);
}
