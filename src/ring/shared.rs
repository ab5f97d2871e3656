//! What the handles of one ring share: the sequencer and the slots.

use super::sequencer::Sequencer;
use super::slots::Slots;
use crate::wait::WaitStrategy;

/// The state behind every handle of one ring (held in an `Arc`).
#[derive(Debug)]
pub(crate) struct Shared<T> {
    pub(crate) sequencer: Sequencer,
    pub(crate) slots: Slots<T>,
}

impl<T> Shared<T> {
    /// A ring of `capacity` slots (already validated), each made by `factory`.
    pub(crate) fn new(
        capacity: usize,
        wait: Box<dyn WaitStrategy>,
        factory: impl FnMut() -> T,
    ) -> Self {
        Self {
            sequencer: Sequencer::new(capacity, wait),
            slots: Slots::new(capacity, factory),
        }
    }
}
