//! Staff paid from a service: heads, pay, savings, redundancy (SPEC 3.4).

use rust_decimal::Decimal;

use super::exact::{Exact, Overflow};
use super::shift::phi_exact;
use crate::scenario::{Profile, Workforce};

/// heads(t) = staff - reduction * phi(t), phi over the years to
/// `reduction_by`.
pub fn heads(
    staff: Decimal,
    reduction: Option<(Decimal, u32, &Profile)>,
    t: u32,
) -> Result<Exact, Overflow> {
    match reduction {
        Some((fewer, by, profile)) => Ok(Exact::new(staff) - phi_exact(profile, t, by)? * fewer),
        None => Ok(Exact::new(staff)),
    }
}

/// The partner employing a line's staff in year `t`: `employer` before
/// `transfer_in`, `transfer_to` from it on.
pub fn employer_in(line: &Workforce, t: u32) -> usize {
    match &line.transfer {
        Some(transfer) if t >= transfer.year => transfer.to,
        _ => line.employer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Shape;

    #[test]
    fn heads_fall_along_the_profile() {
        let linear = Profile::Shape(Shape::Linear);
        let r = Some((Decimal::from(300), 3, &linear));
        let heads = |staff: Decimal, r, t| super::heads(staff, r, t).unwrap().to_decimal().unwrap();
        assert_eq!(heads(Decimal::from(907), r, 0), Decimal::from(907));
        assert_eq!(heads(Decimal::from(907), r, 1), Decimal::from(807));
        assert_eq!(heads(Decimal::from(907), r, 3), Decimal::from(607));
        assert_eq!(heads(Decimal::from(907), r, 5), Decimal::from(607));
        assert_eq!(heads(Decimal::from(907), None, 5), Decimal::from(907));
    }
}
