"""Employee onboarding and offboarding tools: fetchOnboardingRequest, fetchOnboardingRequestForm,
createOnboardingRequest, fetchOffboardingRequests, createOffboardingRequest,
fetchOffboardingRequestTickets."""

from __future__ import annotations

TOOLSET = "onboarding"
