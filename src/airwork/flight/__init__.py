"""The one flight model: autopilot kinematics and leg pricing in the job's conditions."""
