package main

import (
	"github.com/keepnet-flow/keepnet-flow/internal/cli/clitest"
)

// The end-to-end helpers the process tests share with the in-process ones.
var (
	cliFake        = clitest.Fake
	cliRun         = clitest.Run
	dirEntries     = clitest.DirEntries
	surveyArgs     = clitest.SurveyArgs
	acmeEnrollArgs = clitest.AcmeEnrollArgs
)
