// Package workflows runs the Keepnet Labs reseller flows documented in the
// vendor's how-to pages on top of the generated client in gen/:
//
//   - the survey-results pull: a customer's survey answers, user by user
//     (OpenSurvey), or one survey's across many customers side by side
//     (PullSurveys, OpenSurveys), each record naming its company;
//   - enrollment create-and-send: a training enrollment for target groups,
//     created once and sent once however often it is rerun, and when runs
//     race. Enroll keeps a lock and records of unknown creates in a state
//     directory on the local machine (DefaultStateDir; EnrollRequest.StateDir).
//     Rollout does the same in many companies at once (PlanRollout, then
//     RolloutPlan.Apply), with a result per company.
//
// Connections, tokens, company scope, retries and typed API errors live in
// package keepnet; this package chains calls and applies the behaviour the
// live service really has (docs/api-behaviour.md in the repository).
package workflows
