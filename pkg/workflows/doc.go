// Package workflows runs the Keepnet Labs reseller flows documented in the
// vendor's how-to pages on top of the generated client in gen/:
//
//   - the results pulls, for one customer or many side by side, each
//     record naming its company: a survey's answers, user by user
//     (OpenSurveyResults); who completed which training, with exam
//     results (OpenTrainingResults); who opened, clicked, submitted or
//     reported a phishing, smishing or quishing simulation
//     (OpenPhishingResults). Each streams a Pull, whose listings are read
//     whole or fail loudly;
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
